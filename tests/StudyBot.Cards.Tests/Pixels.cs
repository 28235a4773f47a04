using SkiaSharp;

namespace StudyBot.Cards.Tests;

/// <summary>Reads a rendered card back and looks at its pixels.</summary>
internal static class Pixels
{
    public static SKBitmap Decode(byte[] png) => SKBitmap.Decode(png) ?? throw new InvalidOperationException("not a decodable image");

    /// <summary>WCAG relative luminance, 0 (black) to 1 (white).</summary>
    public static double Luminance(SKColor c)
    {
        static double Channel(byte v)
        {
            var s = v / 255.0;
            return s <= 0.03928 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4);
        }

        return (0.2126 * Channel(c.Red)) + (0.7152 * Channel(c.Green)) + (0.0722 * Channel(c.Blue));
    }

    /// <summary>WCAG contrast ratio, 1 to 21.</summary>
    public static double Contrast(SKColor a, SKColor b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    public static bool Near(SKColor a, SKColor b, int tolerance = 24) =>
        Math.Abs(a.Red - b.Red) <= tolerance && Math.Abs(a.Green - b.Green) <= tolerance && Math.Abs(a.Blue - b.Blue) <= tolerance;

    public static IEnumerable<SKColor> In(SKBitmap bitmap, SKRect area)
    {
        for (var y = (int)area.Top; y < (int)area.Bottom; y++)
        {
            for (var x = (int)area.Left; x < (int)area.Right; x++)
            {
                yield return bitmap.GetPixel(x, y);
            }
        }
    }

    /// <summary>Pixels in the area that stand out from the background behind them: glyphs, on a flat background.</summary>
    public static int Ink(SKBitmap bitmap, SKRect area, SKColor background) =>
        In(bitmap, area).Count(c => Contrast(c, background) >= 2.0);

    /// <summary>The pixel of the area that contrasts most with the background: the core of a glyph stroke.</summary>
    public static SKColor Strongest(SKBitmap bitmap, SKRect area, SKColor background) =>
        In(bitmap, area).MaxBy(c => Contrast(c, background));
}
