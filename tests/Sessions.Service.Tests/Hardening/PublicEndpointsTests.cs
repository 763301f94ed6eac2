using System.Net;
using Microsoft.Extensions.Hosting;
using Sessions.Service.Api;
using Sessions.Service.Tests.Infrastructure;

namespace Sessions.Service.Tests.Hardening;

/// <summary>
/// <c>/metrics</c>, <c>/openapi/v1.json</c> and <c>/scalar</c> need the API key unless <c>Api:PublicMetrics</c> /
/// <c>Api:PublicDocs</c> say otherwise; unset, they are public in Development only.
/// </summary>
public sealed class PublicEndpointsTests
{
    public static TheoryData<string> Paths => ["/metrics", "/openapi/v1.json", "/scalar"];

    /// <summary>Outside Development with nothing set: everything but health and webhooks needs the key.</summary>
    public sealed class Private(KestrelApi api) : IClassFixture<KestrelApi>
    {
        public static TheoryData<string> Paths => PublicEndpointsTests.Paths;

        [Theory]
        [MemberData(nameof(Paths))]
        public async Task WithoutTheKeyIs401AndWithItIs200(string path)
        {
            using var anonymous = await api.Client.GetAsync(path, TestContext.Current.CancellationToken);
            var keyed = await KeyedStatusAsync(path);

            Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.OK), (anonymous.StatusCode, keyed));
        }

        /// <summary>GET with the key, following redirects with the key too (HttpClient drops Authorization on a redirect; /scalar redirects).</summary>
        private async Task<HttpStatusCode> KeyedStatusAsync(string path)
        {
            using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = api.Address };
            for (var hops = 0; ; hops++)
            {
                using var response = await client.SendAsync(KestrelApi.Api(HttpMethod.Get, path), TestContext.Current.CancellationToken);
                if (response.Headers.Location is not { } next || hops == 3)
                {
                    return response.StatusCode;
                }

                path = next.ToString();
            }
        }

        [Fact]
        public async Task HealthStaysOpen()
        {
            Assert.Equal(200, await api.ReadyStatusAsync());
        }
    }

    /// <summary>Both set true: a scraper and a reader need no key.</summary>
    public sealed class Public(Public.OpenApi api) : IClassFixture<Public.OpenApi>
    {
        public static TheoryData<string> Paths => PublicEndpointsTests.Paths;

        [Theory]
        [MemberData(nameof(Paths))]
        public async Task WithoutTheKeyIs200(string path)
        {
            using var anonymous = await api.Client.GetAsync(path, TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        }

        [Fact]
        public async Task TheApiItselfStillNeedsTheKey()
        {
            using var anonymous = await api.Client.GetAsync("/api/overview", TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        public sealed class OpenApi : KestrelApi
        {
            protected override void Configure(Dictionary<string, string?> settings)
            {
                ArgumentNullException.ThrowIfNull(settings);
                settings["Api:PublicMetrics"] = "true";
                settings["Api:PublicDocs"] = "true";
            }
        }
    }

    [Theory]
    [InlineData(null, "Development", true)]
    [InlineData(null, "Production", false)]
    [InlineData(null, "Staging", false)]
    [InlineData(true, "Production", true)]
    [InlineData(false, "Development", false)]
    public void UnsetMeansPublicInDevelopmentOnly(bool? setting, string environment, bool expected)
    {
        Assert.Equal(expected, ApiOptions.IsPublic(setting, new Environment(environment)));
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "Sessions.Service";

        public string ContentRootPath { get; set; } = "";

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
