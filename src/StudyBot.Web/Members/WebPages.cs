using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using StudyBot.Web.Components;

namespace StudyBot.Web.Members;

/// <summary>Renders a page component inside the document and layout, with a status code, from an endpoint.</summary>
internal static class WebPages
{
    public static IResult Page<TPage>(IReadOnlyDictionary<string, object?> parameters, int status = StatusCodes.Status200OK)
        where TPage : IComponent =>
        new RazorComponentResult<App>(new Dictionary<string, object?>
        {
            [nameof(App.PageType)] = typeof(TPage),
            [nameof(App.PageParameters)] = parameters.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!),
        })
        {
            StatusCode = status,
        };

    /// <summary>A short page that says one thing (a refused link, "sign in first"), in the reader's language.</summary>
    public static IResult Message(string key, int status) =>
        Page<MessagePage>(new Dictionary<string, object?> { [nameof(MessagePage.TextKey)] = key }, status);
}
