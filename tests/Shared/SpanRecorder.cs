using System.Diagnostics;

namespace StudyBot.Testing;

/// <summary>
/// Keeps every finished span of the named sources (all recorded), for trace tests. Other tests in the same assembly may
/// trace alongside: look spans up by their trace or by their shape, never by count alone.
/// </summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly List<Activity> _spans = [];
    private readonly ActivityListener _listener;

    public SpanRecorder(params string[] sources)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (_spans)
                {
                    _spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The spans finished so far.</summary>
    public List<Activity> Spans
    {
        get
        {
            lock (_spans)
            {
                return [.. _spans];
            }
        }
    }

    /// <summary>The finished spans of one trace.</summary>
    public List<Activity> InTrace(ActivityTraceId trace) => Spans.Where(s => s.TraceId == trace).ToList();

    /// <summary>
    /// Waits for a finished root span <paramref name="adapter"/> (its tag <paramref name="tag"/> = <paramref name="value"/>)
    /// holding the engine's <c>command</c> span named <paramref name="command"/>, which holds a <c>store commit</c>; returns
    /// them and the names of the command's children.
    /// </summary>
    public async Task<(Activity Adapter, Activity Command, List<string> Children)> CommandUnderAsync(string adapter, string tag, string value, string command)
    {
        (Activity Adapter, Activity Command, List<string> Children)? found = null;
        await Bounded.UntilAsync(
            () =>
            {
                var spans = Spans;
                found = spans
                    .Where(s => s.OperationName == adapter && Equals(s.GetTagItem(tag), value))
                    .SelectMany(s => spans.Where(c => c.OperationName == "command" && c.ParentSpanId == s.SpanId && c.TraceId == s.TraceId && c.DisplayName == command).Select(c => (s, c)))
                    .Select(x => (x.s, x.c, spans.Where(k => k.ParentSpanId == x.c.SpanId).Select(k => k.OperationName).ToList()))
                    .Where(x => x.Item3.Contains("store commit"))
                    .Select(x => ((Activity, Activity, List<string>)?)x)
                    .FirstOrDefault();
                return found is not null;
            },
            $"a finished '{adapter}' span holding the '{command}' command and its store commit",
            TimeSpan.FromSeconds(15));
        return found!.Value;
    }

    public void Dispose() => _listener.Dispose();
}
