using Microsoft.Extensions.Options;
using StudyBot.Host.Options;

namespace StudyBot.Host.Health;

/// <summary>Section <c>Health</c>: the thresholds of <c>/healthz/ready</c>.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    public static readonly TimeSpan MinOutboxMaxAge = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MaxOutboxMaxAge = TimeSpan.FromDays(1);

    /// <summary>
    /// How long the oldest due message may wait in the outbox before the instance is not ready. A Slack fan-out goes at
    /// one message a second, so a workspace of a thousand members needs more than the default.
    /// </summary>
    public TimeSpan OutboxMaxAge { get; set; } = TimeSpan.FromMinutes(10);
}

internal sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options) =>
        options.OutboxMaxAge < HealthOptions.MinOutboxMaxAge || options.OutboxMaxAge > HealthOptions.MaxOutboxMaxAge
            ? ValidateOptionsResult.Fail(
                $"{HealthOptions.Section}:{nameof(HealthOptions.OutboxMaxAge)} '{SettingErrors.FormatDuration(options.OutboxMaxAge)}' is out of range; use a duration from "
                + $"{SettingErrors.FormatDuration(HealthOptions.MinOutboxMaxAge)} to {SettingErrors.FormatDuration(HealthOptions.MaxOutboxMaxAge)} (one day), e.g. 00:10:00.")
            : ValidateOptionsResult.Success;
}
