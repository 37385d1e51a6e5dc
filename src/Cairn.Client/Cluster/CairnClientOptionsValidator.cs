using Microsoft.Extensions.Options;

namespace Cairn.Client.Cluster;

/// <summary>Reports <see cref="CairnClientOptions.Validate"/> failures through the options system.</summary>
internal sealed class CairnClientOptionsValidator : IValidateOptions<CairnClientOptions>
{
    public ValidateOptionsResult Validate(string? name, CairnClientOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
