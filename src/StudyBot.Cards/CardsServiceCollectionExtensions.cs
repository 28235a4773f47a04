using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Cards;

namespace StudyBot.Cards;

public static class CardsServiceCollectionExtensions
{
    /// <summary>Progress cards drawn with SkiaSharp: <c>/progress card</c> and the image on celebrations.</summary>
    public static IServiceCollection AddStudyBotCards(this IServiceCollection services) =>
        services.AddSingleton<IProgressCardRenderer, SkiaProgressCardRenderer>();
}
