using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using StudyBot.Core.Cards;
using static StudyBot.Cards.CardLayout;

namespace StudyBot.Cards.Tests;

public sealed class ProgressCardRendererTests
{
    private static readonly IProgressCardRenderer Renderer = new ServiceCollection().AddStudyBotCards().BuildServiceProvider().GetRequiredService<IProgressCardRenderer>();

    private static SKBitmap Render(ProgressCard card) => Pixels.Decode(Renderer.RenderPng(card));

    [Fact]
    public void A_card_is_a_1200_by_630_png()
    {
        var png = Renderer.RenderPng(Samples.Card());

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png.Take(8));
        using var bitmap = Pixels.Decode(png);
        Assert.Equal(1200, bitmap.Width);
        Assert.Equal(630, bitmap.Height);
        Assert.Equal((1200, 630), Renderer.Size);
        Assert.InRange(png.Length, 10_000, 200_000);
    }

    [Fact]
    public void The_font_is_the_shipped_DejaVu_Sans_not_whatever_the_system_has()
    {
        Assert.Equal("DejaVu Sans", CardFonts.Regular.FamilyName);
        Assert.Equal("DejaVu Sans", CardFonts.Bold.FamilyName);
        Assert.True(CardFonts.Bold.FontStyle.Weight > CardFonts.Regular.FontStyle.Weight);
        using var font = new SKFont(CardFonts.Regular, 20);
        Assert.True(font.ContainsGlyphs("Ada Lovelace 0123456789% ·…"));
    }

    [Fact]
    public void The_members_name_is_drawn_in_the_text_colour()
    {
        using var ada = Render(Samples.Card("Ada Lovelace"));
        using var bo = Render(Samples.Card("Bo"));

        // Without a loaded font SkiaSharp on Linux draws no glyphs at all: the name area would be plain background.
        var adaInk = Pixels.In(ada, NameArea).Count(c => Pixels.Near(c, TextPrimary, 16));
        var boInk = Pixels.In(bo, NameArea).Count(c => Pixels.Near(c, TextPrimary, 16));
        Assert.True(adaInk > 2000, $"only {adaInk} text-coloured pixels where the name should be");
        Assert.True(boInk > 300, $"only {boInk} text-coloured pixels for a short name");
        Assert.True(adaInk > 3 * boInk, "a longer name should cover more of the name area");
    }

    [Fact]
    public void Every_text_on_the_card_leaves_ink_where_it_belongs()
    {
        using var card = Render(Samples.Card());

        for (var row = 0; row < 8; row++)
        {
            Assert.True(Pixels.Ink(card, Label(row), Background) > 150, $"phase label {row} is blank");
            var percent = new SKRect(BarRight + 10, Label(row).Top, PercentRight + 2, Label(row).Bottom);
            Assert.True(Pixels.Ink(card, percent, Background) > 60, $"the percentage of phase {row} is blank");
        }

        for (var stat = 0; stat < 4; stat++)
        {
            Assert.True(Pixels.Ink(card, StatValue(stat), Panel) > 300, $"stat {stat} has no value drawn");
        }

        var overall = new SKRect(OverallRight - 200, NameBaseline - OverallSize, OverallRight, NameBaseline + 4);
        Assert.True(Pixels.Ink(card, overall, Background) > 1000, "the overall percentage is blank");
        Assert.True(Pixels.Ink(card, FooterArea, Background) > 200, "the footer is blank");
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 60)]
    [InlineData(2, 25)]
    [InlineData(3, 0)]
    [InlineData(4, 5)]
    [InlineData(5, 50)]
    [InlineData(6, 90)]
    public void Each_bar_is_filled_with_its_phases_colour_as_far_as_its_share(int row, int percent)
    {
        var percents = new[] { 100, 60, 25, 0, 5, 50, 90, 0 };
        using var card = Render(Samples.Card(percents: percents));

        var bar = Bar(row);
        var y = (int)bar.MidY;
        var color = SKColor.Parse(Samples.Colors[row]);
        var filled = Enumerable.Range((int)bar.Left, (int)bar.Width).Count(x => Pixels.Near(card.GetPixel(x, y), color));
        var track = Enumerable.Range((int)bar.Left, (int)bar.Width).Count(x => Pixels.Near(card.GetPixel(x, y), Track, 6));

        Assert.InRange(filled / bar.Width * 100, percent - 1.5, percent + 1.5);
        Assert.InRange(track / bar.Width * 100, 100 - percent - 1.5, 100 - percent + 1.5);
        if (percent is > 2 and < 98)
        {
            var edge = bar.Left + (bar.Width * percent / 100f);
            Assert.True(Pixels.Near(card.GetPixel((int)edge - 3, y), color), "just inside the fill is the phase colour");
            Assert.True(Pixels.Near(card.GetPixel((int)edge + 3, y), Track, 6), "just past the fill is the empty track");
        }
    }

    [Fact]
    public void The_card_has_its_own_opaque_background_so_chat_themes_never_show_through()
    {
        using var card = Render(Samples.Card());

        Assert.Equal(SKAlphaType.Opaque, card.AlphaType);
        Assert.All(Pixels.In(card, new SKRect(0, 0, Width, Height)).Where((_, i) => i % 97 == 0), c => Assert.Equal(255, c.Alpha));

        // Laid on a light theme (Discord, Slack: white) and a dark one (Discord #313338), every pixel stays as drawn.
        foreach (var theme in new[] { SKColors.White, SKColor.Parse("#313338") })
        {
            using var surface = SKSurface.Create(new SKImageInfo(Width, Height));
            surface.Canvas.Clear(theme);
            using var image = SKImage.FromBitmap(card);
            surface.Canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default);
            using var shown = SKBitmap.FromImage(surface.Snapshot());
            Assert.Equal(card.GetPixel(600, 300), shown.GetPixel(600, 300));
            Assert.Equal(card.GetPixel(3, 620), shown.GetPixel(3, 620));
            Assert.Equal(card.GetPixel((int)NameArea.Left + 10, (int)NameBaseline - 10), shown.GetPixel((int)NameArea.Left + 10, (int)NameBaseline - 10));
        }
    }

    [Fact]
    public void Text_contrasts_with_what_it_sits_on_at_least_seven_to_one()
    {
        using var card = Render(Samples.Card());

        // The strongest pixel of each text is the glyph colour; the card's own background is behind it.
        var name = Pixels.Strongest(card, NameArea, Background);
        var label = Pixels.Strongest(card, Label(3), Background);
        var stat = Pixels.Strongest(card, StatValue(0), Panel);
        var detail = Pixels.Strongest(card, new SKRect(StatTextLeft, StatTop(3) + 62, StatsPanel.Right - StatPadding, StatTop(3) + 86), Panel);

        Assert.True(Pixels.Contrast(name, card.GetPixel(20, 60)) >= 7, $"name {name} on {card.GetPixel(20, 60)}");
        Assert.True(Pixels.Contrast(label, Background) >= 7, $"phase label {label}");
        Assert.True(Pixels.Contrast(stat, card.GetPixel((int)StatsPanel.Left + 8, (int)StatsPanel.MidY)) >= 7, $"stat value {stat}");
        Assert.True(Pixels.Contrast(detail, Panel) >= 7, $"stat detail {detail}");
        Assert.Equal(Panel, card.GetPixel((int)StatsPanel.Left + 8, (int)StatsPanel.MidY));
        Assert.True(Pixels.Contrast(TextSecondary, Panel) >= 7 && Pixels.Contrast(TextPrimary, Background) >= 15);
    }

    [Fact]
    public void A_long_name_is_shortened_inside_its_area_and_never_runs_into_the_overall_share()
    {
        using var card = Render(Samples.Card(new string('W', 120)));

        var gap = new SKRect(NameArea.Right + 4, NameArea.Top, OverallRight - 190, NameArea.Bottom);
        Assert.Equal(0, Pixels.Ink(card, gap, Background));
        Assert.True(Pixels.Ink(card, NameArea, Background) > 5000);

        using var font = new SKFont(CardFonts.Bold, NameSize);
        var fitted = SkiaProgressCardRenderer.Fit(new string('W', 120), font, NameArea.Width);
        Assert.EndsWith("…", fitted, StringComparison.Ordinal);
        Assert.True(font.MeasureText(fitted) <= NameArea.Width);
    }

    [Fact]
    public void Characters_the_font_lacks_are_left_out_instead_of_drawn_as_boxes()
    {
        using var font = new SKFont(CardFonts.Regular, 20);

        Assert.Equal("Zoë Ωmega", SkiaProgressCardRenderer.Clean("Zoë 🚀 Ωmega\t", font));
        Assert.Equal("", SkiaProgressCardRenderer.Clean("🚀🚀", font));

        // A name with nothing drawable still gets a name on the card.
        using var card = Render(Samples.Card("🚀🚀"));
        Assert.True(Pixels.Ink(card, NameArea, Background) > 2000);
    }

    [Fact]
    public void Without_a_goal_the_week_panel_says_how_to_set_one_and_draws_no_goal_bar()
    {
        using var withGoal = Render(Samples.Card(goal: true));
        using var without = Render(Samples.Card(goal: false));

        var goalBar = new SKRect(StatTextLeft, StatTop(2) + 70, StatTextLeft + StatTextWidth, StatTop(2) + 80);
        var accent = SKColor.Parse(Samples.Colors[1]);
        Assert.True(Pixels.In(withGoal, goalBar).Count(c => Pixels.Near(c, accent)) > 1000);
        Assert.Equal(0, Pixels.In(without, goalBar).Count(c => Pixels.Near(c, accent)));
        Assert.True(Pixels.Ink(without, new SKRect(StatTextLeft, StatTop(2) + 62, StatsPanel.Right - StatPadding, StatTop(2) + 86), Panel) > 200);
    }

    [Fact]
    public void Rendering_is_deterministic_and_safe_from_several_threads_at_once()
    {
        var cards = Enumerable.Range(0, 4).Select(i => Samples.Card($"Member {i}", percents: [100, 10 * i, 0, 0, 0, 0, 0, 0])).ToArray();
        var sequential = cards.Select(Renderer.RenderPng).ToArray();

        var parallel = new byte[cards.Length][];
        Parallel.For(0, cards.Length, i => parallel[i] = Renderer.RenderPng(cards[i]));

        for (var i = 0; i < cards.Length; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
        }

        Assert.NotEqual(sequential[0], sequential[1]);
    }
}
