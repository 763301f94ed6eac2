using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Sessions.Canonical;

namespace Sessions.Service.Hosting;

/// <summary>
/// Completes each operation of the OpenAPI document the same way the endpoints behave, so it does not depend on every
/// endpoint repeating it: the problem answers that apply (401 behind the API key, 400 for a query or path value that is
/// not what the parameter takes, 404 for an entity never seen), a description for every parameter, and the words a
/// status, state or health filter takes as its enum. What an endpoint declares itself is kept.
/// </summary>
internal sealed class OpenApiOperations : IOpenApiOperationTransformer
{
    private const string ProblemSchema = "ProblemDetails";

    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        ["provider"] = "The provider as in the entity's `provider` field (liveswitch, fastpix, dyte, eyeson, …); as a filter, only entities of that provider.",
        ["id"] = "The provider's id of the entity, one path segment percent-encoded once (the id `a/b` is `a%2Fb`).",
        ["status"] = "Only entities in this status; a word that is not one of the kind's is 400.",
        ["state"] = "Only servers in this lifecycle state; another word is 400.",
        ["health"] = "Only servers with this health; another word is 400.",
        ["role"] = "Only servers of this role: a LiveSwitch role (gateway, mediaserver, sipconnector, recordingmonitor, recordingmover, recordingmuxer) or one a server reported; another is 400.",
        ["region"] = "Only servers in this region (free-form; a region nobody has gives an empty list).",
        ["application"] = "Only clients of this application id (free-form).",
        ["q"] = "Only entities whose id or searchable text (title, participant, machine name, …) contains this, without case.",
        ["since"] = "ISO 8601 time; only entities whose last event is at or after it. Not a time, or after `until`: 400.",
        ["until"] = "ISO 8601 time; only entities whose last event is before it. Not a time: 400.",
        ["limit"] = "Items per page, 1 to 500 (default 50); another number or not a number is 400.",
        ["cursor"] = "The `nextCursor` of the previous page; a cursor this service did not issue is 400.",
        ["before"] = "An entry id; only older entries are listed (pass the last `id` of a page for the next one). Not a number: 400.",
        ["source"] = "A configured webhook source name (Webhooks:Sources:{name}); only that source's entries.",
    };

    /// <summary>The words of the enum-valued filters, by operation.</summary>
    private static readonly Dictionary<string, Dictionary<string, IReadOnlyList<string>>> Words = new(StringComparer.Ordinal)
    {
        ["ListServers"] = new() { ["state"] = StatusWords.All<ServerStatus>(), ["health"] = StatusWords.All<ServerHealth>() },
        ["ListSessions"] = new() { ["status"] = StatusWords.All<SessionStatus>() },
        ["ListRecordings"] = new() { ["status"] = StatusWords.All<RecordingStatus>() },
        ["ListLivestreams"] = new() { ["status"] = StatusWords.All<LivestreamStatus>() },
        ["ListClients"] = new() { ["status"] = StatusWords.All<ClientStatus>() },
    };

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var parameters = context.Description.ParameterDescriptions;
        var words = operation.OperationId is { } id ? Words.GetValueOrDefault(id) : null;
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            parameter.Description ??= Descriptions.GetValueOrDefault(parameter.Name ?? "");
            if (words?.GetValueOrDefault(parameter.Name ?? "") is { } allowed && parameter.Schema is OpenApiSchema schema)
            {
                schema.Enum = [.. allowed.Select(w => (JsonNode)JsonValue.Create(w))];
            }
        }

        var answers = new List<(int Status, string Description)>();
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
        {
            answers.Add((StatusCodes.Status401Unauthorized, "No API key, or not one of Api:Keys."));
        }

        // A path value can be a malformed escape; a query value can fail to bind (not a number, not a time) or be refused by the handler.
        var query = parameters.Where(p => p.Source == BindingSource.Query).ToList();
        var handler = context.Description.ActionDescriptor.EndpointMetadata.OfType<MethodInfo>().FirstOrDefault();
        if (parameters.Any(p => p.Source == BindingSource.Path)
            || query.Any(p => p.Type != typeof(string))
            || (query.Count > 0 && handler is not null && MayAnswerProblem(handler.ReturnType)))
        {
            answers.Add((StatusCodes.Status400BadRequest, "A query or path value is not what the parameter takes; the detail names it."));
        }

        if (parameters.Any(p => p.Source == BindingSource.Path))
        {
            answers.Add((StatusCodes.Status404NotFound, "Never seen: no such entity."));
        }

        if (answers.Count == 0)
        {
            return;
        }

        if (context.Document?.Components?.Schemas?.ContainsKey(ProblemSchema) is not true)
        {
            context.Document?.AddComponent(ProblemSchema, await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken));
        }

        operation.Responses ??= [];
        foreach (var (status, description) in answers)
        {
            operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
                },
            });
        }
    }

    /// <summary>Whether a handler returning <paramref name="type"/> can answer a problem (<c>Results&lt;Ok&lt;…&gt;, ProblemHttpResult&gt;</c>, in a task or not).</summary>
    private static bool MayAnswerProblem(Type type) =>
        type == typeof(ProblemHttpResult) || (type.IsGenericType && type.GetGenericArguments().Any(MayAnswerProblem));
}
