namespace Sessions.Service.Hosting;

/// <summary>
/// Headers that make a slip in the dashboard harmless: it shows strings providers sent (names, titles, URLs), and
/// builds its DOM from text only; should that ever fail, the browser still runs no script but the dashboard's own
/// files, loads nothing from elsewhere, and the page cannot be framed.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>Scripts, styles and everything else from the service itself only; no inline script or style, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Adds <c>Content-Security-Policy</c>, <c>X-Content-Type-Options: nosniff</c> and <c>Referrer-Policy: no-referrer</c>
    /// to every answer. <c>/scalar</c> keeps the last two only: the API reference is a third-party page with its own scripts.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            if (!context.Request.Path.StartsWithSegments("/scalar", StringComparison.OrdinalIgnoreCase))
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }

            return next(context);
        });
}
