using System.CommandLine;
using Microsoft.Extensions.Configuration;

namespace Cairn.Cli.Commands;

/// <summary>
/// Resolves <c>cairn server</c> settings; the first source that has one wins: the flag, its <c>CAIRN_*</c> environment
/// variable, the <c>"Cairn"</c> section of the settings file, the default. The settings file is <c>--config-file</c>
/// (or <c>CAIRN_CONFIG_FILE</c>), which must exist, else <c>appsettings.json</c> in the working directory when there is
/// one. It is read once, at start: a node does not change its settings while it runs.
/// </summary>
internal sealed class ServerSettings
{
    // The settings file's section that holds Cairn's settings.
    private const string Section = "Cairn";

    private readonly ParseResult _parse;
    private readonly Func<string, string?> _environment;
    private readonly IConfigurationSection? _file;

    private ServerSettings(ParseResult parse, Func<string, string?> environment, IConfigurationSection? file)
    {
        _parse = parse;
        _environment = environment;
        _file = file;
    }

    /// <summary>Reads the settings file, if any, and checks that its section names only known settings.</summary>
    /// <exception cref="ArgumentException">The file named is missing, cannot be read, is not valid JSON, or names an
    /// unknown setting (the message names the file and the key).</exception>
    public static ServerSettings Load(
        ParseResult parse, Option<string> configFile, IReadOnlyCollection<ServerSetting> known, Func<string, string?> environment, string workingDirectory)
    {
        var named = parse.GetValue(configFile) ?? environment("CAIRN_CONFIG_FILE");
        string path;
        if (named is { Length: > 0 })
        {
            path = Path.GetFullPath(named, workingDirectory);
            if (!File.Exists(path))
            {
                throw new ArgumentException($"--config-file: no file at {path}");
            }
        }
        else
        {
            path = Path.Combine(workingDirectory, "appsettings.json");
            if (!File.Exists(path))
            {
                return new ServerSettings(parse, environment, null);
            }
        }

        IConfigurationSection section;
        try
        {
            section = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build().GetSection(Section);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            throw new ArgumentException($"{path}: not valid JSON: {e.GetBaseException().Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{path}: cannot be read: {e.Message}", e);
        }

        foreach (var child in section.GetChildren())
        {
            if (!known.Any(setting => string.Equals(setting.Key, child.Key, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException(
                    $"{path}: unknown setting '{Section}:{child.Key}' (known: {string.Join(", ", known.Select(setting => setting.Key))})");
            }

            if (child.Value is null)
            {
                throw new ArgumentException($"{path}: '{Section}:{child.Key}' must be a string or a number, not an object or an array");
            }
        }

        return new ServerSettings(parse, environment, section);
    }

    /// <summary>The setting's value from the first source that has it.</summary>
    public string Get(ServerSetting setting) =>
        _parse.GetValue(setting.Option) ?? _environment(setting.Environment) ?? _file?[setting.Key] ?? setting.Fallback;
}
