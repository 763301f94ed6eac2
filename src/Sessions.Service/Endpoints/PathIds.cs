using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Sessions.Service.Endpoints;

/// <summary>
/// Reads the <c>{id}</c> of <c>…/{provider}/{id}</c> from the request target exactly as sent, and percent-decodes it
/// once, so every identifier has one URL: the id as one path segment, percent-encoded as <c>encodeURIComponent</c>
/// or <c>Uri.EscapeDataString</c> do (<c>a/b</c> is <c>a%2Fb</c>, <c>a%2Fb</c> is <c>a%252Fb</c>). The server's own
/// decoding of the path leaves <c>%2F</c> encoded but decodes <c>%25</c>, which made those two ids one URL.
/// </summary>
public static class PathIds
{
    /// <summary>Endpoints whose handler has a string parameter <c>id</c> bound from the last route segment get it decoded from the raw target; a malformed escape is 400.</summary>
    public static TBuilder WithRawPathIds<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var index = Array.FindIndex(factory.MethodInfo.GetParameters(), p => p.Name == "id" && p.ParameterType == typeof(string));
            if (index < 0)
            {
                return next;
            }

            return async invocation =>
            {
                if (invocation.HttpContext.GetEndpoint() is RouteEndpoint { RoutePattern.PathSegments: [.., var last] }
                    && last.IsSimple && last.Parts[0] is Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "id" })
                {
                    // A host that does not keep the target as sent (TestServer leaves it empty) has only the route value.
                    var target = invocation.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
                    if (string.IsNullOrEmpty(target))
                    {
                        return await next(invocation);
                    }

                    if (Decode(LastSegment(target)) is not { } id)
                    {
                        return TypedResults.Problem(
                            title: "Invalid id",
                            detail: "The id in the path is not percent-encoded UTF-8; encode it as one segment (encodeURIComponent).",
                            statusCode: StatusCodes.Status400BadRequest);
                    }

                    invocation.Arguments[index] = id;
                }

                return await next(invocation);
            };
        });
        return builder;
    }

    /// <summary>The last path segment of a request target (origin or absolute form), without the query.</summary>
    public static string LastSegment(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? target[..query] : target;
        return path[(path.LastIndexOf('/') + 1)..];
    }

    /// <summary>The segment percent-decoded once as UTF-8, or null when an escape is malformed or the bytes are not UTF-8.</summary>
    public static string? Decode(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (!segment.Contains('%', StringComparison.Ordinal))
        {
            return segment;
        }

        var bytes = new List<byte>(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            if (segment[i] != '%')
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(segment[i].ToString()));
                continue;
            }

            if (i + 2 >= segment.Length || !Uri.IsHexDigit(segment[i + 1]) || !Uri.IsHexDigit(segment[i + 2]))
            {
                return null;
            }

            bytes.Add((byte)Convert.ToInt32(segment.Substring(i + 1, 2), 16));
            i += 2;
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
