using SkiaSharp;

namespace StudyBot.Cards;

/// <summary>
/// The card's typefaces, loaded from the assembly's resources. SkiaSharp's Linux NoDependencies build finds no
/// system fonts: with its default typeface, text draws nothing at all and no error says so.
/// </summary>
internal static class CardFonts
{
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<SKTypeface> LazyRegular = new(() => Load("DejaVuSans.ttf"));
    private static readonly Lazy<SKTypeface> LazyBold = new(() => Load("DejaVuSans-Bold.ttf"));

    public static SKTypeface Regular => LazyRegular.Value;

    public static SKTypeface Bold => LazyBold.Value;

    private static SKTypeface Load(string file)
    {
        var name = $"StudyBot.Cards.Fonts.{file}";
        using var stream = typeof(CardFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The card font {name} is not embedded in {typeof(CardFonts).Assembly.GetName().Name}.");
        var typeface = SKTypeface.FromStream(stream)
            ?? throw new InvalidOperationException($"The card font {name} could not be read.");
        if (typeface.FamilyName != Family)
        {
            throw new InvalidOperationException($"The card font {name} is '{typeface.FamilyName}', not '{Family}'.");
        }

        return typeface;
    }
}
