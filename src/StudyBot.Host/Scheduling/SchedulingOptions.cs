using Microsoft.Extensions.Options;
using StudyBot.Host.Options;

namespace StudyBot.Host.Scheduling;

/// <summary>Section <c>Scheduling</c>: how often each background job looks for work.</summary>
public sealed class SchedulingOptions
{
    public const string Section = "Scheduling";

    /// <summary>The shortest interval: Quartz cannot repeat at zero, and faster polling only burns CPU.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest interval: slower than daily makes reminders and celebrations arrive a day late.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);

    public bool Enabled { get; set; } = true;

    public TimeSpan ReminderInterval { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan CelebrationInterval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan LeaderboardInterval { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan OutboxInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan PartnerInterval { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan RoleInterval { get; set; } = TimeSpan.FromSeconds(15);
}

internal sealed class SchedulingOptionsValidator : IValidateOptions<SchedulingOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulingOptions options)
    {
        var defaults = new SchedulingOptions();
        var failures = new List<string>();
        Check(nameof(SchedulingOptions.ReminderInterval), options.ReminderInterval, defaults.ReminderInterval);
        Check(nameof(SchedulingOptions.CelebrationInterval), options.CelebrationInterval, defaults.CelebrationInterval);
        Check(nameof(SchedulingOptions.LeaderboardInterval), options.LeaderboardInterval, defaults.LeaderboardInterval);
        Check(nameof(SchedulingOptions.OutboxInterval), options.OutboxInterval, defaults.OutboxInterval);
        Check(nameof(SchedulingOptions.PartnerInterval), options.PartnerInterval, defaults.PartnerInterval);
        Check(nameof(SchedulingOptions.RoleInterval), options.RoleInterval, defaults.RoleInterval);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(string key, TimeSpan value, TimeSpan example)
        {
            if (value < SchedulingOptions.MinInterval || value > SchedulingOptions.MaxInterval)
            {
                failures.Add($"{SchedulingOptions.Section}:{key} '{SettingErrors.FormatDuration(value)}' is out of range; use a duration from "
                    + $"{SettingErrors.FormatDuration(SchedulingOptions.MinInterval)} to {SettingErrors.FormatDuration(SchedulingOptions.MaxInterval)} (one day), e.g. {SettingErrors.FormatDuration(example)}.");
            }
        }
    }
}
