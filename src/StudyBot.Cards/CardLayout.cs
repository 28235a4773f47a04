using SkiaSharp;

namespace StudyBot.Cards;

/// <summary>
/// Where everything sits on the card, and its colours. The card brings its own dark background, so it reads the
/// same on light and dark chat themes; every text colour keeps at least 7:1 contrast against what it sits on.
/// </summary>
internal static class CardLayout
{
    // 1.91:1, the size Discord, Slack and most link previews show without cropping.
    public const int Width = 1200;
    public const int Height = 630;

    public const float Margin = 56;
    public const float StripeHeight = 8;

    public static readonly SKColor Background = SKColor.Parse("#141A24");
    public static readonly SKColor Panel = SKColor.Parse("#1E2633");
    public static readonly SKColor Track = SKColor.Parse("#2C3544");
    public static readonly SKColor TextPrimary = SKColor.Parse("#F5F7FA");
    public static readonly SKColor TextSecondary = SKColor.Parse("#B4BDCC");

    // Header: name on the left, overall percentage on the right.
    public const float NameBaseline = 96;
    public const float NameSize = 48;
    public const float SubtitleBaseline = 136;
    public const float SubtitleSize = 22;
    public const float OverallRight = Width - Margin;
    public const float OverallSize = 56;
    public const float OverallLabelBaseline = 128;

    /// <summary>The area the member's name may use (its glyphs stay inside it).</summary>
    public static readonly SKRect NameArea = new(Margin, NameBaseline - NameSize, 900, NameBaseline + 14);

    // Phase rows on the left.
    public const float RowsTop = 172;
    public const float RowHeight = 50;
    public const float LabelSize = 21;
    public const float LabelMinSize = 17;
    public const float LabelMaxWidth = 286;
    public const float BarLeft = 356;
    public const float BarRight = 630;
    public const float BarHeight = 22;
    public const float PercentRight = 712;

    /// <summary>The bar of the phase in row <paramref name="row"/>: its full track; the fill covers the phase's share from the left.</summary>
    public static SKRect Bar(int row)
    {
        var top = RowsTop + (row * RowHeight) + 8;
        return new SKRect(BarLeft, top, BarRight, top + BarHeight);
    }

    /// <summary>The label area (phase number and title) of row <paramref name="row"/>.</summary>
    public static SKRect Label(int row)
    {
        var top = RowsTop + (row * RowHeight);
        return new SKRect(Margin, top + 2, Margin + LabelMaxWidth, top + 36);
    }

    public static float LabelBaseline(int row) => RowsTop + (row * RowHeight) + 27;

    // The stats panel on the right: now, streak, this week, finish.
    public static readonly SKRect StatsPanel = new(760, 160, Width - Margin, 580);
    public const float StatPadding = 24;
    public const float StatHeight = 100;
    public const float StatLabelSize = 16;
    public const float StatValueSize = 26;
    public const float StatValueMinSize = 18;
    public const float StatDetailSize = 19;

    public static float StatTop(int index) => StatsPanel.Top + 18 + (index * StatHeight);

    public static float StatTextLeft => StatsPanel.Left + StatPadding;

    public static float StatTextWidth => StatsPanel.Width - (2 * StatPadding);

    /// <summary>The area of stat <paramref name="index"/>'s value line.</summary>
    public static SKRect StatValue(int index) => new(StatTextLeft, StatTop(index) + 26, StatsPanel.Right - StatPadding, StatTop(index) + 58);

    public static readonly SKRect FooterArea = new(Margin, 590, 900, 620);
    public const float FooterBaseline = 612;
    public const float FooterSize = 17;
}
