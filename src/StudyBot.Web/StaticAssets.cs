using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace StudyBot.Web;

/// <summary>
/// The pages' CSS and icons, embedded in this assembly (wwwroot/) and served from memory by name. Only the names in
/// this table exist: a path with "..", an encoded slash or a backslash names none of them, so a request can never reach
/// a file on disk.
/// </summary>
public static class StaticAssets
{
    public sealed record Asset(string Name, string ContentType, byte[] Content, string ETag, string Version);

    private static readonly FrozenDictionary<string, Asset> ByName = Load();

    /// <summary>The asset called <paramref name="name"/> ("site.css"), or null.</summary>
    public static Asset? Find(string? name) => name is not null && ByName.TryGetValue(name, out var asset) ? asset : null;

    /// <summary>The URL of an asset, with its content hash so a new version is fetched at once: "/static/site.css?v=1a2b3c4d".</summary>
    public static string Url(string name) => $"/static/{name}?v={ByName[name].Version}";

    private static FrozenDictionary<string, Asset> Load()
    {
        const string prefix = "StudyBot.Web.wwwroot.";
        var assembly = typeof(StaticAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var name = resource[prefix.Length..];
            var hash = Convert.ToHexStringLower(SHA256.HashData(content))[..16];
            assets[name] = new Asset(name, ContentTypeOf(name), content, $"\"{hash}\"", hash[..8]);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".ico" => "image/x-icon",
        _ => "application/octet-stream",
    };

    /// <summary>Writes an asset (GET and HEAD), 304 when the client has it, 404 for any other name.</summary>
    internal static async Task ServeAsync(HttpContext context, string? name)
    {
        var asset = Find(name);
        if (asset is null)
        {
            await WebEndpoints.NotFoundAsync(context);
            return;
        }

        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;

        // Versioned URLs never change; /favicon.ico and an unversioned URL are checked again after a day.
        headers.CacheControl = context.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "public, max-age=86400";
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.ContentType = asset.ContentType;
        context.Response.ContentLength = asset.Content.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(asset.Content, context.RequestAborted);
        }
    }
}
