namespace StudyBot.Core.Cards;

/// <summary>
/// Draws a <see cref="ProgressCard"/> as a PNG image. Implemented outside Core (StudyBot.Cards, with SkiaSharp);
/// when none is registered, StudyBot answers in text and celebrations go without an image.
/// </summary>
public interface IProgressCardRenderer
{
    /// <summary>The image's size in pixels.</summary>
    (int Width, int Height) Size { get; }

    /// <summary>Renders the card; the bytes are a complete PNG file. Thread-safe.</summary>
    byte[] RenderPng(ProgressCard card);
}
