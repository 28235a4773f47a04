using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace StudyBot.Web;

/// <summary>
/// The address links to the pages start with: <c>Web:PublicUrl</c>, else the first listen address (<c>Web:Urls</c>,
/// then <c>Http:Urls</c>) as the server bound it (port 0 becomes the port it got; a wildcard host becomes localhost).
/// Read it once the host has started; null when the pages are off or nothing listens for them.
/// </summary>
public sealed class WebAddress(IOptions<WebOptions> options, IConfiguration configuration, IServer server)
{
    private Uri? _publicUrl;

    public Uri? PublicUrl => _publicUrl ??= Resolve();

    private Uri? Resolve()
    {
        var web = options.Value;
        if (!web.Enabled)
        {
            return null;
        }

        if (!string.IsNullOrWhiteSpace(web.PublicUrl))
        {
            return WithSlash(new Uri(web.PublicUrl.Trim(), UriKind.Absolute));
        }

        var first = web.UrlList.Concat(WebOptions.Split(configuration["Http:Urls"])).FirstOrDefault();
        if (first is null || !WebOptions.IsHttpUrl(first, out var configured))
        {
            return null;
        }

        var host = first.Contains("://*", StringComparison.Ordinal) || first.Contains("://+", StringComparison.Ordinal) ? "*" : configured!.Host;
        var port = configured!.Port;
        if (port == 0)
        {
            // The port the server got: the first bound address of the same scheme and host.
            var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses
                .Select(a => Uri.TryCreate(a, UriKind.Absolute, out var u) ? u : null)
                .FirstOrDefault(u => u is not null && u.Scheme == configured.Scheme && u.Port != 0
                    && (host == "*" || string.Equals(u.Host, configured.Host, StringComparison.OrdinalIgnoreCase)));
            if (bound is null)
            {
                return null;
            }

            port = bound.Port;
        }

        if (host is "*" or "0.0.0.0" or "[::]")
        {
            host = "localhost";
        }

        return WithSlash(new UriBuilder(configured.Scheme, host, port).Uri);
    }

    private static Uri WithSlash(Uri uri) =>
        uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.GetLeftPart(UriPartial.Path) + "/");
}
