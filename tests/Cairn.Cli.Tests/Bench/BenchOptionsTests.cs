using Cairn.Cli.Bench;

namespace Cairn.Cli.Tests.Bench;

public sealed class BenchOptionsTests
{
    private const string Endpoints = "http://127.0.0.1:7101,http://127.0.0.1:7102";

    [Fact]
    public void Valid_flags_give_the_options_they_spell()
    {
        Assert.True(BenchOptions.TryCreate(Endpoints, "64", "256", "10", "mixed", "stale", "1000", out var options, out var error), error);

        Assert.Equal([new Uri("http://127.0.0.1:7101"), new Uri("http://127.0.0.1:7102")], options.Endpoints);
        Assert.Equal(64, options.Clients);
        Assert.Equal(256, options.ValueSizeBytes);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Duration);
        Assert.Equal(BenchOperation.Mixed, options.Operation);
        Assert.False(options.Linearizable);
        Assert.Equal("stale", options.Consistency);
        Assert.Equal(1000, options.Keys);
    }

    [Theory]
    [InlineData("1", "0", "1", "1")]
    [InlineData("4096", "1048576", "3600", "1000000")]
    public void The_limits_themselves_are_accepted(string clients, string valueSize, string duration, string keys) =>
        Assert.True(BenchOptions.TryCreate(Endpoints, clients, valueSize, duration, "put", "linearizable", keys, out _, out var error), error);

    [Theory]
    [InlineData("", "16", "256", "10", "put", "linearizable", "1000", "--endpoints: give at least one URL")]
    [InlineData("127.0.0.1:7101", "16", "256", "10", "put", "linearizable", "1000", "--endpoints: '127.0.0.1:7101' is not an http:// or https:// URL")]
    [InlineData("ftp://127.0.0.1", "16", "256", "10", "put", "linearizable", "1000", "--endpoints: 'ftp://127.0.0.1' is not an http:// or https:// URL")]
    [InlineData(Endpoints, "0", "256", "10", "put", "linearizable", "1000", "--clients: must be a whole number from 1 to 4096, not '0'")]
    [InlineData(Endpoints, "4097", "256", "10", "put", "linearizable", "1000", "--clients: must be a whole number from 1 to 4096, not '4097'")]
    [InlineData(Endpoints, "-1", "256", "10", "put", "linearizable", "1000", "--clients: must be a whole number from 1 to 4096, not '-1'")]
    [InlineData(Endpoints, "ten", "256", "10", "put", "linearizable", "1000", "--clients: must be a whole number from 1 to 4096, not 'ten'")]
    [InlineData(Endpoints, "16", "1048577", "10", "put", "linearizable", "1000", "--value-size: must be a whole number from 0 to 1048576, not '1048577'")]
    [InlineData(Endpoints, "16", "1.5", "10", "put", "linearizable", "1000", "--value-size: must be a whole number from 0 to 1048576, not '1.5'")]
    [InlineData(Endpoints, "16", "256", "0", "put", "linearizable", "1000", "--duration: must be a whole number from 1 to 3600, not '0'")]
    [InlineData(Endpoints, "16", "256", "3601", "put", "linearizable", "1000", "--duration: must be a whole number from 1 to 3600, not '3601'")]
    [InlineData(Endpoints, "16", "256", "10", "delete", "linearizable", "1000", "--op: must be put, get or mixed, not 'delete'")]
    [InlineData(Endpoints, "16", "256", "10", "put", "eventual", "1000", "--consistency: must be linearizable or stale, not 'eventual'")]
    [InlineData(Endpoints, "16", "256", "10", "put", "linearizable", "0", "--keys: must be a whole number from 1 to 1000000, not '0'")]
    public void A_bad_flag_is_refused_with_one_line_naming_it(
        string endpoints, string clients, string valueSize, string duration, string op, string consistency, string keys, string expected)
    {
        Assert.False(BenchOptions.TryCreate(endpoints, clients, valueSize, duration, op, consistency, keys, out var options, out var error));

        Assert.Null(options);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Key_names_sort_in_index_order() =>
        Assert.Equal(["bench/0000000", "bench/0000042", "bench/0999999"], new[] { 0, 42, 999_999 }.Select(BenchOptions.KeyName));
}
