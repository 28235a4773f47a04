using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Commands;
using StudyBot.Core.ProgressViews;
using StudyBot.Core.Web;
using StudyBot.Web.Components;

namespace StudyBot.Web.Members;

/// <summary>
/// Signing in with a chat link, signing out, the member's own page and its forms. A form changes things only by running
/// the chat command it stands for through <see cref="CommandExecutor"/> (typed options, validated by the same catalog as
/// Discord's), so points, streaks, celebrations and audit entries are the chat's; the page then shows the command's reply.
/// </summary>
internal static class MemberEndpoints
{
    /// <summary>The session cookie: the session's own random token (only its hash is stored).</summary>
    public const string SessionCookie = "studybot-session";

    /// <summary>The last form's reply, shown once by the next page (post, redirect, get).</summary>
    public const string FlashCookie = "studybot-flash";

    public const string SignInPolicy = "web-signin";
    public const string FormPolicy = "web-forms";

    /// <summary>The item actions a page form may run, and the command each one is.</summary>
    private static readonly Dictionary<string, string> ItemActions = new(StringComparer.Ordinal)
    {
        ["done"] = "progress done",
        ["doing"] = "progress doing",
        ["skip"] = "progress skip",
    };

    public static void AddMemberServices(IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;

            // Sign-in links are guessed nowhere near 20 a minute; forms get a generous member's pace.
            o.AddPolicy(SignInPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 20, Window = TimeSpan.FromMinutes(1) }));
            o.AddPolicy(FormPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Request.Cookies[SessionCookie] ?? context.Connection.RemoteIpAddress?.ToString() ?? "",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) }));
        });
    }

    public static void Map(WebApplication app)
    {
        app.UseRateLimiter();
        string[] read = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/signin/{token}", read, SignInAsync).RequireRateLimiting(SignInPolicy);
        app.MapGet("/me", MyPageAsync);
        app.MapPost("/me/items", ItemAsync).RequireRateLimiting(FormPolicy);
        app.MapPost("/me/undo", UndoAsync).RequireRateLimiting(FormPolicy);
        app.MapPost("/signout", SignOutAsync).RequireRateLimiting(FormPolicy);
    }

    private static async Task<IResult> SignInAsync(HttpContext context, string token, WebAccess access)
    {
        var result = await access.RedeemLinkAsync(token, context.RequestAborted);
        if (result.SignedIn is not { } signedIn)
        {
            var (status, key) = result.Refusal switch
            {
                WebLinkRefusal.Expired => (StatusCodes.Status410Gone, "Web.LinkExpired"),
                WebLinkRefusal.Used => (StatusCodes.Status410Gone, "Web.LinkUsed"),
                WebLinkRefusal.Malformed => (StatusCodes.Status400BadRequest, "Web.LinkMalformed"),
                _ => (StatusCodes.Status404NotFound, "Web.LinkUnknown"),
            };
            return WebPages.Message(key, status);
        }

        var cookie = SessionCookieOptions(context);
        cookie.Expires = signedIn.ExpiresAt;
        context.Response.Cookies.Append(SessionCookie, signedIn.SessionToken, cookie);

        // The token leaves the address bar: the browser goes on to /me.
        return Results.Redirect("/me", permanent: false, preserveMethod: false);
    }

    private static Task<IResult> MyPageAsync(HttpContext context, WebAccess access, MyProgressService progress) =>
        AsMemberAsync(context, access, async member =>
        {
            var view = await progress.GetAsync(member.ToMemberRef(), context.RequestAborted);
            context.Items[PageLanguage.ChosenKey] = view.Language;
            return WebPages.Page<MyProgressPage>(new Dictionary<string, object?>
            {
                [nameof(MyProgressPage.View)] = view,
                [nameof(MyProgressPage.Member)] = member,
                [nameof(MyProgressPage.Flash)] = ReadFlash(context),
            });
        });

    private static Task<IResult> ItemAsync(HttpContext context, [FromForm] string? item, [FromForm] string? action, WebAccess access, CommandExecutor executor) =>
        AsMemberAsync(context, access, member =>
            action is null || !ItemActions.TryGetValue(action, out var path) || string.IsNullOrWhiteSpace(item)
                ? Task.FromResult(WebPages.Message("Web.FormUnreadable", StatusCodes.Status400BadRequest))
                : RunAsync(context, executor, member, path, new Dictionary<string, object> { ["item"] = item }));

    // Undo and sign-out read no field, but bind an optional field so that they are forms: only a posted form with the
    // page's anti-forgery token reaches them (a post without a form body is refused while binding, one without the token
    // by the anti-forgery check).
    private static Task<IResult> UndoAsync(HttpContext context, WebAccess access, CommandExecutor executor, [FromForm] string? confirm) =>
        AsMemberAsync(context, access, member => RunAsync(context, executor, member, "progress undo", new Dictionary<string, object>()));

    private static async Task<IResult> SignOutAsync(HttpContext context, WebAccess access, [FromForm] string? confirm)
    {
        await access.SignOutAsync(context.Request.Cookies[SessionCookie], context.RequestAborted);
        context.Response.Cookies.Delete(SessionCookie, SessionCookieOptions(context));
        return WebPages.Message("Web.SignedOut", StatusCodes.Status200OK);
    }

    /// <summary>The signed-in member's request, or the "please sign in" page (401) when the cookie names no live session.</summary>
    private static async Task<IResult> AsMemberAsync(HttpContext context, WebAccess access, Func<WebMember, Task<IResult>> then) =>
        await access.SessionAsync(context.Request.Cookies[SessionCookie], context.RequestAborted) is { } session
            ? await then(session.Member)
            : WebPages.Message("Web.SignInNeeded", StatusCodes.Status401Unauthorized);

    /// <summary>Runs the chat command a form stands for, as the member, and shows its reply on the next page.</summary>
    private static async Task<IResult> RunAsync(HttpContext context, CommandExecutor executor, WebMember member, string path, Dictionary<string, object> options) =>
        Shown(context, await executor.RunTypedAsync(member.ToMemberRef(), path, options, context.RequestAborted));

    private static CookieOptions SessionCookieOptions(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = context.Request.IsHttps,
        Path = "/",
        IsEssential = true,
    };

    /// <summary>Keeps the command's reply for the next page and sends the browser there (a reload never posts twice).</summary>
    private static IResult Shown(HttpContext context, Core.Chat.Reply reply)
    {
        var text = string.Join(" ", new[] { reply.Title, reply.Text }.Where(t => !string.IsNullOrWhiteSpace(t)));
        if (text.Length > 600)
        {
            text = text[..600] + "…";
        }

        context.Response.Cookies.Append(FlashCookie, WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(text)), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            Path = "/me",
            MaxAge = TimeSpan.FromMinutes(1),
        });
        return Results.Redirect("/me", permanent: false, preserveMethod: false);
    }

    private static string? ReadFlash(HttpContext context)
    {
        if (context.Request.Cookies[FlashCookie] is not { Length: > 0 and < 2000 } raw)
        {
            return null;
        }

        context.Response.Cookies.Delete(FlashCookie, new CookieOptions { Path = "/me" });
        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(raw));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
