using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Sessions.Service.Hosting;

/// <summary>
/// A query value that does not bind (<c>?limit=abc</c>, <c>?before=2026-01-01</c>) is the caller's mistake: a 400
/// problem whose detail names the parameter and the value, never a 500. Minimal APIs throw for it in every
/// environment (<see cref="RouteHandlerOptions.ThrowOnBadRequest"/> is set), and this handler answers it; a handled
/// exception is not logged as an error.
/// </summary>
internal sealed class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status400BadRequest ? "Invalid query" : "Bad request",
                Detail = bad.Message,
            },
        });
    }
}
