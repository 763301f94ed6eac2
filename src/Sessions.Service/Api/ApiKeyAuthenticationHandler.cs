using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Sessions.Service.Api;

/// <summary>
/// The <c>ApiKey</c> authentication scheme: a request is authenticated when it carries one of the <see cref="ApiKeys"/>
/// as <c>X-Api-Key</c> or <c>Authorization: Bearer</c>; the challenge answers 401 with a problem saying how to send one.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggers,
    UrlEncoder encoder,
    ApiKeys keys,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // The only scheme is the default, so it runs on every request, webhooks included, and those carry their sources'
        // own bearer tokens: a key that is not ours is "no result", not a failure worth a log line.
        if (!keys.Accepts(PresentedKey(Request)))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Title = "Not authenticated",
                Detail = "Send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>' (Api:Keys).",
                Status = StatusCodes.Status401Unauthorized,
            },
        });
    }

    /// <summary>The key a request presents: <c>X-Api-Key</c>, else the token of <c>Authorization: Bearer</c>, else empty.</summary>
    private static string PresentedKey(HttpRequest request)
    {
        var presented = request.Headers["X-Api-Key"].ToString();
        var authorization = request.Headers.Authorization.ToString();
        if (presented.Length == 0 && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["Bearer ".Length..].Trim();
        }

        return presented;
    }
}
