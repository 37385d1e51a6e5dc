using System.CommandLine;

namespace Cairn.Cli.Commands;

/// <summary><c>cairn leader transfer NAME</c>: hand leadership to another member.</summary>
internal static class LeaderCommand
{
    public static Command Create(Option<string?> endpoints, Option<string> output)
    {
        var target = new Argument<string>("name") { Description = "The member to lead next." };
        var transfer = new Command("transfer", "Hand leadership to a member: it is brought up to date, then campaigns at once.") { target };
        transfer.SetAction((parse, ct) => Cli.RunAsync(parse, endpoints, async client =>
        {
            var (status, json) = await client.SendAsync(HttpMethod.Post, $"/v1/leader/transfer?to={Uri.EscapeDataString(parse.GetValue(target)!)}", [], ct).ConfigureAwait(false);
            Cli.EnsureSuccess(status, json);
            Cli.Print(parse.GetValue(output)!, json, j => $"transferring leadership to {j.GetProperty("transferringTo").GetString()}");
        }));
        return new Command("leader", "Leadership.") { transfer };
    }
}
