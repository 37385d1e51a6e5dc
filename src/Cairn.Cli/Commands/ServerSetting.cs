using System.CommandLine;

namespace Cairn.Cli.Commands;

/// <summary>One <c>cairn server</c> setting: its flag, the environment variable and settings-file key it falls back to, and its default.</summary>
/// <remarks>The environment variable is <c>CAIRN_</c> and the flag's name in capitals with underscores
/// (<c>--data-dir</c> → <c>CAIRN_DATA_DIR</c>); the settings-file key is the flag's name without its dashes
/// (<c>"data-dir"</c>), inside the file's <c>"Cairn"</c> section — as etcd's configuration file names its keys.</remarks>
internal sealed class ServerSetting
{
    public ServerSetting(string flag, string description, string fallback)
    {
        Key = flag.TrimStart('-');
        Environment = "CAIRN_" + Key.ToUpperInvariant().Replace('-', '_');
        Fallback = fallback;
        Option = new Option<string>(flag)
        {
            Description = $"{description} Environment: {Environment}; appsettings.json: Cairn:{Key}{(fallback.Length > 0 ? $"; default: {fallback}" : "")}.",
        };
    }

    public string Key { get; }

    public string Environment { get; }

    public string Fallback { get; }

    public Option<string> Option { get; }
}
