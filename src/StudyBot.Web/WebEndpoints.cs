using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StudyBot.Core.Roadmaps;
using StudyBot.Core.Web;
using StudyBot.Web.Components;

namespace StudyBot.Web;

/// <summary>
/// How the host plugs the web side in: <see cref="AddStudyBotWeb"/> while building, <see cref="MapStudyBotWeb"/> once
/// built. The pages are server-rendered Razor components (static rendering: plain HTML, no script), served on every
/// listener the host has (Web:Urls and Http:Urls; never the metrics one).
/// </summary>
public static class WebEndpoints
{
    /// <summary>The policy every response carries: no inline script or style, nothing from elsewhere, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    /// <summary>The anti-forgery cookie's name (HttpOnly, SameSite=Lax, Secure over HTTPS).</summary>
    public const string AntiforgeryCookie = "studybot-af";

    /// <summary>
    /// Registers the pages: the <c>Web</c> options (validated at start), Razor components, anti-forgery, the reader's
    /// language and <see cref="WebAddress"/>. Call only when <c>Web:Enabled</c> is true.
    /// </summary>
    public static IServiceCollection AddStudyBotWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebOptions>().Bind(configuration.GetSection(WebOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebOptions>, WebOptionsValidator>();
        services.AddSingleton<WebAddress>();

        // /progress web makes links to these pages: their address is known once the server has bound its port.
        services.AddSingleton(sp => new WebLinkSettings(() => sp.GetRequiredService<WebAddress>().PublicUrl?.ToString()));
        services.AddHttpContextAccessor();
        services.AddScoped<PageLanguage>();
        services.AddRazorComponents();
        Members.MemberEndpoints.AddMemberServices(services);

        // Anti-forgery tokens are protected with keys held in memory: nothing is written to the home folder, and a
        // restart merely asks an open form to be sent again. Several instances behind one address need shared keys
        // (a key store in the database) before forms are added.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = AntiforgeryCookie;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;

            // frame-ancestors 'none' and X-Frame-Options: DENY are on every response already.
            o.SuppressXFrameOptionsHeader = true;
        });
        return services;
    }

    /// <summary>
    /// Maps the pages, their CSS and icons, the friendly 404 page for any other address, and the security headers on
    /// every response.
    /// </summary>
    public static WebApplication MapStudyBotWeb(this WebApplication app)
    {
        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            context.Response.OnStarting(static state =>
            {
                // Pages (member pages later) are never stored by a browser or a proxy; only the static assets say otherwise.
                var response = (HttpResponse)state;
                if (string.IsNullOrEmpty(response.Headers.CacheControl))
                {
                    response.Headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            }, context.Response);
            return next(context);
        });
        app.UseAntiforgery();

        // An unknown roadmap id is answered before the page renders, so it gets its status and the friendly page (a
        // component that set 404 itself while rendering would lose its body).
        var catalog = app.Services.GetRequiredService<RoadmapCatalog>();
        app.Use((context, next) =>
            context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type == typeof(RoadmapPage)
            && context.Request.RouteValues.TryGetValue(nameof(RoadmapPage.Id), out var id) && id is string roadmapId && !catalog.Contains(roadmapId)
                ? NotFoundAsync(context, roadmapId)
                : next(context));

        // An address no endpoint has (routing has run: the host routes first) gets the friendly page on GET and HEAD.
        // Not a fallback route: that would also take other methods of known paths, which must stay 405.
        app.Use(static (context, next) =>
            context.GetEndpoint() is null && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                ? NotFoundAsync(context)
                : next(context));
        string[] read = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/static/{name}", read, (HttpContext context, string name) => StaticAssets.ServeAsync(context, name));
        app.MapMethods("/favicon.ico", read, (HttpContext context) => StaticAssets.ServeAsync(context, "favicon.ico"));
        Members.MemberEndpoints.Map(app);
        app.MapRazorComponents<App>();
        return app;
    }

    /// <summary>404 with the friendly page (in the reader's language) for GET and HEAD; a bare 404 otherwise.</summary>
    internal static Task NotFoundAsync(HttpContext context) => NotFoundAsync(context, missingRoadmap: null);

    private static Task NotFoundAsync(HttpContext context, string? missingRoadmap)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return new RazorComponentResult<App>(new Dictionary<string, object?> { [nameof(App.NotFound)] = true, [nameof(App.MissingRoadmap)] = missingRoadmap })
        {
            StatusCode = StatusCodes.Status404NotFound,
        }.ExecuteAsync(context);
    }
}
