namespace Cairn.State.Cluster;

/// <summary>The cluster module's operation codes (module <see cref="ModuleId.Cluster"/>).</summary>
public enum ClusterOperation : byte
{
    /// <summary><see cref="MemberPublishCommand"/>.</summary>
    Publish = 1,

    /// <summary><see cref="MemberForgetCommand"/>.</summary>
    Forget = 2,
}
