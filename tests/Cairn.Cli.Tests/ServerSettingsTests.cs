using System.CommandLine;
using Cairn.Cli.Commands;

namespace Cairn.Cli.Tests;

public sealed class ServerSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cairn-settings-").FullName;
    private readonly Dictionary<string, string> _environment = [];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Without_flags_variables_or_file_the_defaults_apply()
    {
        var options = Read();

        Assert.Equal("n1", options.Name);
        Assert.Equal("./.cairn/data/n1", options.DataDirectory);
        Assert.Equal(new Uri("http://127.0.0.1:2379"), options.ClientUrl);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.TickInterval);
    }

    [Fact]
    public void Appsettings_json_in_the_working_directory_sets_what_no_flag_or_variable_sets()
    {
        WriteFile("appsettings.json", """
            {
              "Logging": { "LogLevel": { "Default": "Information" } },
              "Cairn": {
                "name": "file-name",
                "data-dir": "/var/lib/cairn/file",
                "listen-client-urls": "http://127.0.0.1:4001",
                "listen-peer-urls": "http://127.0.0.1:4002",
                "initial-cluster": "file-name=http://127.0.0.1:4002",
                "heartbeat-interval": 40,
                "snapshot-count": 5000
              }
            }
            """);

        var options = Read();

        Assert.Equal("file-name", options.Name);
        Assert.Equal("/var/lib/cairn/file", options.DataDirectory);
        Assert.Equal(new Uri("http://127.0.0.1:4001"), options.ClientUrl);
        Assert.Equal(new Uri("http://127.0.0.1:4002"), options.PeerUrl);
        Assert.Equal(TimeSpan.FromMilliseconds(20), options.TickInterval);
        Assert.Equal(5000, options.SnapshotCount);
    }

    [Fact]
    public void A_flag_beats_its_variable_which_beats_the_file()
    {
        WriteFile("appsettings.json", """{ "Cairn": { "name": "from-file", "data-dir": "from-file", "snapshot-count": "300" } }""");
        _environment["CAIRN_NAME"] = "from-variable";
        _environment["CAIRN_DATA_DIR"] = "from-variable";

        var options = Read("--name", "from-flag", "--initial-cluster", "from-flag=http://127.0.0.1:2380");

        Assert.Equal("from-flag", options.Name);
        Assert.Equal("from-variable", options.DataDirectory);
        Assert.Equal(300, options.SnapshotCount);
    }

    [Fact]
    public void Config_file_names_another_file_and_the_working_directory_one_is_then_ignored()
    {
        WriteFile("appsettings.json", """{ "Cairn": { "snapshot-count": "1" } }""");
        WriteFile("node.json", """{ "Cairn": { "snapshot-count": "2" } }""");

        Assert.Equal(2, Read("--config-file", "node.json").SnapshotCount);
        _environment["CAIRN_CONFIG_FILE"] = Path.Combine(_directory, "node.json");
        Assert.Equal(2, Read().SnapshotCount);
    }

    [Fact]
    public void A_config_file_that_does_not_exist_is_an_error_naming_its_path()
    {
        var error = Assert.Throws<ArgumentException>(() => Read("--config-file", "missing.json"));

        Assert.Equal($"--config-file: no file at {Path.Combine(_directory, "missing.json")}", error.Message);
    }

    [Theory]
    [InlineData("""{ "Cairn": { "nmae": "n1" } }""", "unknown setting 'Cairn:nmae' (known: name, data-dir,")]
    [InlineData("""{ "Cairn": { "name": { "first": "n1" } } }""", "'Cairn:name' must be a string or a number")]
    [InlineData("""{ "Cairn": { "name": "n1", """, "appsettings.json: not valid JSON: ")]
    [InlineData("""{ "Cairn": { "heartbeat-interval": "fast" } }""", "--heartbeat-interval: must be a positive number, not 'fast'")]
    public void A_bad_settings_file_is_an_error_naming_the_file_or_the_setting(string json, string expected)
    {
        WriteFile("appsettings.json", json);

        var error = Assert.Throws<ArgumentException>(() => Read());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_names_each_flags_variable_file_key_and_default()
    {
        var help = ServerCommand.Create().Options.Single(option => option.Name == "--data-dir").Description;

        Assert.Equal(
            "Data directory (write-ahead log, snapshots). Environment: CAIRN_DATA_DIR; appsettings.json: Cairn:data-dir; default: ./.cairn/data/n1.",
            help);
    }

    private Cairn.Server.ServerOptions Read(params string[] flags)
    {
        var parse = new RootCommand { ServerCommand.Create() }.Parse(["server", .. flags]);
        Assert.Empty(parse.Errors);
        return ServerCommand.ReadOptions(parse, name => _environment.GetValueOrDefault(name), _directory);
    }

    private void WriteFile(string name, string text) => File.WriteAllText(Path.Combine(_directory, name), text);
}
