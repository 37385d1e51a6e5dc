namespace Cairn.State;

/// <summary>The dispatcher's own operation codes (module <see cref="ModuleId.System"/>).</summary>
public enum SystemOperation : byte
{
    /// <summary><see cref="RegisterSessionCommand"/>.</summary>
    RegisterSession = 1,

    /// <summary><see cref="ExpireLeasesCommand"/>.</summary>
    ExpireLeases = 2,

    /// <summary><see cref="PromoteLeaderCommand"/>.</summary>
    PromoteLeader = 3,
}
