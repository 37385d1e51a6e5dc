using Cairn.Client.LoadBalancing;

namespace Cairn.Client.Grpc;

/// <summary>Options of Cairn's gRPC load-balancing policy.</summary>
public sealed class CairnGrpcLoadBalancerOptions
{
    /// <summary>The default policy name, as used in the channel's service config.</summary>
    public const string DefaultPolicyName = "cairn";

    /// <summary>
    /// Gets or sets the policy name a channel's service config selects (<c>new LoadBalancingConfig(name)</c>); register
    /// several policies under different names to use different pickers. Default <see cref="DefaultPolicyName"/>.
    /// </summary>
    public string PolicyName { get; set; } = DefaultPolicyName;

    /// <summary>
    /// Gets or sets the factory of the picker each channel's balancer uses (called once per balancer, so per-picker
    /// state such as a round-robin position is not shared between channels). Default: power of two choices.
    /// </summary>
    public Func<EndpointPicker>? PickerFactory { get; set; }

    /// <summary>Gets or sets passive outlier ejection; the defaults of <see cref="OutlierDetectionOptions"/> when <see langword="null"/>.</summary>
    public OutlierDetectionOptions? OutlierDetection { get; set; }

    /// <summary>Gets or sets the clock for ejections; <see cref="TimeProvider.System"/> when <see langword="null"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
