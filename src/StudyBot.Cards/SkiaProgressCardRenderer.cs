using System.Globalization;
using System.Text;
using SkiaSharp;
using StudyBot.Core;
using StudyBot.Core.Cards;
using static StudyBot.Cards.CardLayout;

namespace StudyBot.Cards;

/// <summary>
/// Draws a progress card with SkiaSharp: the member's name and overall share, one bar per phase in the roadmap's
/// colours, and the current module, streak, week's goal and finish date. Safe to call from several threads: every
/// call has its own surface; the typefaces are shared and immutable.
/// </summary>
internal sealed class SkiaProgressCardRenderer : IProgressCardRenderer
{
    private const string Ellipsis = "…";

    // No row filter: on flat colour and antialiased text it compresses better (about 75 KB) than trying every filter
    // per row (about 95 KB), at half the time.
    private static readonly SKPngEncoderOptions PngOptions = new(SKPngEncoderFilterFlags.None, 6);

    public (int Width, int Height) Size => (Width, Height);

    public byte[] RenderPng(ProgressCard card)
    {
        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException("SkiaSharp could not create a drawing surface.");
        Draw(surface.Canvas, card);
        using var pixels = surface.PeekPixels() ?? throw new InvalidOperationException("SkiaSharp could not read the card's pixels.");
        using var data = pixels.Encode(PngOptions) ?? throw new InvalidOperationException("SkiaSharp could not encode the card as PNG.");
        return data.ToArray();
    }

    private static void Draw(SKCanvas canvas, ProgressCard card)
    {
        canvas.Clear(Background);
        using var fill = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };

        DrawStripe(canvas, card, fill);
        DrawHeader(canvas, card, fill);
        for (var row = 0; row < card.Phases.Count && row < 8; row++)
        {
            DrawPhase(canvas, card.Phases[row], row, fill);
        }

        DrawStats(canvas, card, fill);

        using var footer = Font(CardFonts.Regular, FooterSize);
        fill.Color = TextSecondary;
        var date = card.Date.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        DrawText(canvas, Fit($"StudyBot · {date} · /progress card", footer, FooterArea.Width), FooterArea.Left, FooterBaseline, footer, fill);
    }

    /// <summary>A band of the roadmap's colours along the top edge: the card's signature.</summary>
    private static void DrawStripe(SKCanvas canvas, ProgressCard card, SKPaint fill)
    {
        var colors = card.Phases.Count == 0 ? ProgressCard.DefaultColors : card.Phases.Select(p => p.Color).ToList();
        var width = (float)Width / colors.Count;
        for (var i = 0; i < colors.Count; i++)
        {
            fill.Color = ParseColor(colors[i]);
            canvas.DrawRect(new SKRect(i * width, 0, (i + 1) * width, StripeHeight), fill);
        }
    }

    private static void DrawHeader(SKCanvas canvas, ProgressCard card, SKPaint fill)
    {
        using var overall = Font(CardFonts.Bold, OverallSize);
        using var overallLabel = Font(CardFonts.Regular, SubtitleSize);
        var percent = $"{card.OverallPercent}%";
        fill.Color = TextPrimary;
        canvas.DrawText(percent, OverallRight, NameBaseline, SKTextAlign.Right, overall, fill);
        fill.Color = TextSecondary;
        canvas.DrawText("overall", OverallRight, OverallLabelBaseline, SKTextAlign.Right, overallLabel, fill);

        using var name = Font(CardFonts.Bold, NameSize);
        var nameText = Clean(card.MemberName, name);
        fill.Color = TextPrimary;
        DrawText(canvas, Fit(nameText.Length == 0 ? "StudyBot member" : nameText, name, NameArea.Width), NameArea.Left, NameBaseline, name, fill);

        using var subtitle = Font(CardFonts.Regular, SubtitleSize);
        var line = card.Level is null ? card.RoadmapTitle : $"{card.RoadmapTitle} · {card.Level}";
        fill.Color = TextSecondary;
        DrawText(canvas, Fit(Clean(line, subtitle), subtitle, NameArea.Width), NameArea.Left, SubtitleBaseline, subtitle, fill);
    }

    private static void DrawPhase(SKCanvas canvas, ProgressCardPhase phase, int row, SKPaint fill)
    {
        using var label = Font(phase.Current ? CardFonts.Bold : CardFonts.Regular, LabelSize);
        fill.Color = phase.Current ? TextPrimary : TextSecondary;
        var text = ShrinkToFit(Clean($"{phase.Number}  {phase.Title}", label), label, LabelMinSize, LabelMaxWidth);
        DrawText(canvas, text, Margin, LabelBaseline(row), label, fill);

        var bar = Bar(row);
        var radius = BarHeight / 2;
        fill.Color = Track;
        canvas.DrawRoundRect(bar, radius, radius, fill);
        var percent = Math.Clamp(phase.Percent, 0, 100);
        if (percent > 0)
        {
            var filled = new SKRect(bar.Left, bar.Top, bar.Left + (bar.Width * percent / 100f), bar.Bottom);
            fill.Color = ParseColor(phase.Color);
            canvas.Save();
            using var track = new SKRoundRect(bar, radius, radius);
            canvas.ClipRoundRect(track, antialias: true);
            canvas.DrawRect(filled, fill);
            canvas.Restore();
        }

        using var value = Font(phase.Current ? CardFonts.Bold : CardFonts.Regular, LabelSize);
        fill.Color = phase.Current || phase.Complete ? TextPrimary : TextSecondary;
        canvas.DrawText($"{percent}%", PercentRight, LabelBaseline(row), SKTextAlign.Right, value, fill);
    }

    private static void DrawStats(SKCanvas canvas, ProgressCard card, SKPaint fill)
    {
        fill.Color = Panel;
        canvas.DrawRoundRect(StatsPanel, 16, 16, fill);
        var accent = card.Phases.FirstOrDefault(p => p.Current)?.Color ?? ProgressCard.DefaultColors[0];
        Stat(canvas, fill, 0, "NOW", card.CurrentPhase, card.CurrentModule ?? "Every module of this phase is covered");
        var streakDetail = !card.HasWeeklyGoal ? "set one with /progress goal set"
            : card.StreakBest == 0 ? "meet this week's goal to begin"
            : $"best: {Format.Plural(card.StreakBest, "week", "weeks")}";
        Stat(canvas, fill, 1, "STREAK", card.Streak, streakDetail);
        if (card.HasWeeklyGoal)
        {
            Stat(canvas, fill, 2, "THIS WEEK", card.WeekGoal, null);
            var top = StatTop(2) + 70;
            var track = new SKRect(StatTextLeft, top, StatTextLeft + StatTextWidth, top + 10);
            fill.Color = Track;
            canvas.DrawRoundRect(track, 5, 5, fill);
            if (card.WeekGoalFraction > 0)
            {
                fill.Color = ParseColor(accent);
                canvas.DrawRoundRect(new SKRect(track.Left, track.Top, track.Left + Math.Max(10, (float)(track.Width * card.WeekGoalFraction)), track.Bottom), 5, 5, fill);
            }
        }
        else
        {
            Stat(canvas, fill, 2, "THIS WEEK", card.WeekGoal, card.Focus is null ? "try /progress goal suggest" : $"focus: {card.Focus}");
        }

        Stat(canvas, fill, 3, "FINISH", card.Finish, card.FinishDetail);
    }

    private static void Stat(SKCanvas canvas, SKPaint fill, int index, string label, string value, string? detail)
    {
        var top = StatTop(index);
        using var labelFont = Font(CardFonts.Bold, StatLabelSize);
        fill.Color = TextSecondary;
        DrawText(canvas, label, StatTextLeft, top + 16, labelFont, fill);

        using var valueFont = Font(CardFonts.Bold, StatValueSize);
        fill.Color = TextPrimary;
        DrawText(canvas, ShrinkToFit(Clean(value, valueFont), valueFont, StatValueMinSize, StatTextWidth), StatTextLeft, top + 50, valueFont, fill);

        if (detail is not null)
        {
            using var detailFont = Font(CardFonts.Regular, StatDetailSize);
            fill.Color = TextSecondary;
            DrawText(canvas, Fit(Clean(detail, detailFont), detailFont, StatTextWidth), StatTextLeft, top + 80, detailFont, fill);
        }
    }

    private static SKFont Font(SKTypeface typeface, float size) => new(typeface, size)
    {
        Edging = SKFontEdging.Antialias,
        Subpixel = true,
        Hinting = SKFontHinting.Slight,
    };

    private static void DrawText(SKCanvas canvas, string text, float x, float baseline, SKFont font, SKPaint paint) =>
        canvas.DrawText(text, x, baseline, SKTextAlign.Left, font, paint);

    /// <summary>Keeps what the font can draw: a name in a script or emoji it lacks would otherwise print as boxes.</summary>
    internal static string Clean(string text, SKFont font)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsControl(rune))
            {
                sb.Append(' ');
            }
            else if (font.ContainsGlyph(rune.Value))
            {
                sb.Append(rune.ToString());
            }
        }

        return string.Join(' ', sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Makes the font smaller, down to <paramref name="minSize"/>, until the text fits; then shortens it.</summary>
    private static string ShrinkToFit(string text, SKFont font, float minSize, float maxWidth)
    {
        while (font.Size > minSize && font.MeasureText(text) > maxWidth)
        {
            font.Size -= 1;
        }

        return Fit(text, font, maxWidth);
    }

    /// <summary>Shortens text with an ellipsis, on whole characters, until it fits the width.</summary>
    internal static string Fit(string text, SKFont font, float maxWidth)
    {
        if (font.MeasureText(text) <= maxWidth)
        {
            return text;
        }

        var elements = new List<string>();
        var e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext())
        {
            elements.Add(e.GetTextElement());
        }

        var low = 0;
        var high = elements.Count;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (font.MeasureText(string.Concat(elements.Take(mid)).TrimEnd() + Ellipsis) <= maxWidth)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return string.Concat(elements.Take(low)).TrimEnd() + Ellipsis;
    }

    private static SKColor ParseColor(string hex) => SKColor.TryParse(hex, out var color) ? color : TextSecondary;
}
