using System.CommandLine;
using Cairn.Cli.Commands;

namespace Cairn.Cli.Tests.Bench;

public sealed class BenchCommandTests
{
    [Theory]
    [InlineData("--clients", "0", "cairn bench kv: --clients: must be a whole number from 1 to 4096, not '0'")]
    [InlineData("--value-size", "2097152", "cairn bench kv: --value-size: must be a whole number from 0 to 1048576, not '2097152'")]
    [InlineData("--duration", "7200", "cairn bench kv: --duration: must be a whole number from 1 to 3600, not '7200'")]
    [InlineData("--op", "scan", "cairn bench kv: --op: must be put, get or mixed, not 'scan'")]
    public async Task A_bad_flag_exits_with_2_and_one_line_on_stderr_before_any_request(string flag, string value, string expected)
    {
        var endpoints = new Option<string?>("--endpoints") { Recursive = true };
        var output = new Option<string>("--output", "-o") { DefaultValueFactory = _ => "table", Recursive = true };
        var root = new RootCommand { endpoints, output, BenchCommand.Create(endpoints, output, _ => throw new InvalidOperationException("no driver may be made")) };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = await root.Parse(["bench", "kv", "--endpoints", "http://127.0.0.1:1", flag, value])
            .InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });

        Assert.Equal(2, exitCode);
        Assert.Equal(expected + Environment.NewLine, stderr.ToString());
        Assert.Equal("", stdout.ToString());
    }
}
