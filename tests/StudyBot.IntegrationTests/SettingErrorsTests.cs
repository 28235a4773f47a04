using System.Globalization;
using CsCheck;
using Microsoft.Extensions.Configuration;
using StudyBot.Host.Options;
using StudyBot.Host.Scheduling;

namespace StudyBot.IntegrationTests;

/// <summary>How a value of the wrong form is reported: the key, the value unless it may be secret, a good example.</summary>
public sealed class SettingErrorsTests
{
    private sealed class SecretLooking
    {
        public int RetryToken { get; set; }

        public TimeSpan PasswordMaxAge { get; set; }
    }

    private static IConfiguration Config(string key, string value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

    private static string? DescribeBinding<T>(IConfiguration config, string section)
    {
        try
        {
            config.GetSection(section).Get<T>();
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return SettingErrors.Describe(ex, config) ?? throw new InvalidOperationException("the binder's error was not recognised: " + ex.Message, ex);
        }
    }

    [Fact]
    public void A_value_of_the_wrong_form_is_named_with_its_key_and_an_example_from_the_keys_default()
    {
        var message = DescribeBinding<SchedulingOptions>(Config("Scheduling:OutboxInterval", "banana"), "Scheduling");

        Assert.Equal("Scheduling:OutboxInterval 'banana' is not a duration; use e.g. 00:00:02 (hours:minutes:seconds).", message);
    }

    [Fact]
    public void The_value_of_a_key_that_may_be_secret_is_never_shown()
    {
        var token = DescribeBinding<SecretLooking>(Config("Test:RetryToken", "xoxb-123-secret"), "Test");
        var password = DescribeBinding<SecretLooking>(Config("Test:PasswordMaxAge", "hunter2"), "Test");

        Assert.Equal("Test:RetryToken is not a whole number; use e.g. 10.", token);
        Assert.Equal("Test:PasswordMaxAge is not a duration; use e.g. 00:00:30 (hours:minutes:seconds).", password);
    }

    [Fact]
    public void Any_bad_duration_is_described_in_one_line_naming_the_key_and_a_secret_one_never_shows_its_value()
    {
        Gen.String.Where(v => !TimeSpan.TryParse(v, CultureInfo.InvariantCulture, out _)).Sample(value =>
        {
            var plain = DescribeBinding<SchedulingOptions>(Config("Scheduling:ReminderInterval", value), "Scheduling");
            var secret = DescribeBinding<SecretLooking>(Config("Test:PasswordMaxAge", value), "Test");

            Assert.NotNull(plain);
            Assert.StartsWith("Scheduling:ReminderInterval '", plain, StringComparison.Ordinal);
            Assert.EndsWith("is not a duration; use e.g. 00:00:30 (hours:minutes:seconds).", plain, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', plain);
            Assert.Equal("Test:PasswordMaxAge is not a duration; use e.g. 00:00:30 (hours:minutes:seconds).", secret);
        });
    }

    [Fact]
    public void A_duration_is_shown_in_a_form_that_reads_back_as_the_same_duration()
    {
        Gen.Long[-TimeSpan.TicksPerDay * 10_000, TimeSpan.TicksPerDay * 10_000].Select(ticks => new TimeSpan(ticks)).Sample(duration =>
            Assert.Equal(duration, TimeSpan.Parse(SettingErrors.FormatDuration(duration), CultureInfo.InvariantCulture)));
        Assert.Equal("00:00:02", SettingErrors.FormatDuration(TimeSpan.FromSeconds(2)));
        Assert.Equal("00:00:01.5", SettingErrors.FormatDuration(TimeSpan.FromMilliseconds(1500)));
        Assert.Equal("1.00:00:00", SettingErrors.FormatDuration(TimeSpan.FromDays(1)));
        Assert.Equal("-00:00:05", SettingErrors.FormatDuration(TimeSpan.FromSeconds(-5)));
    }

    [Fact]
    public void A_delivery_rate_is_accepted_exactly_when_it_is_a_number_from_a_tenth_to_a_thousand()
    {
        var validator = new DeliveryOptionsValidator();
        Gen.Double.Sample(rate =>
        {
            var text = rate.ToString("R", CultureInfo.InvariantCulture);
            var result = validator.Validate(null, new DeliveryOptions { PerSecond = { ["slack"] = text } });

            Assert.Equal(rate is >= 0.1 and <= 1000, result.Succeeded);
            if (result.Failed)
            {
                Assert.StartsWith($"Delivery:PerSecond:slack '{text}' is ", result.FailureMessage, StringComparison.Ordinal);
                Assert.EndsWith("use a number of messages per second from 0.1 to 1000, e.g. 1.", result.FailureMessage, StringComparison.Ordinal);
            }
        });
    }
}
