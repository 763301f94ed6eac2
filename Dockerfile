# Sessions service image: build with the SDK, run on the ASP.NET runtime as a non-root user.
# Build from the repository root: docker build -t sessions .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the build files and project files alone, so this layer stays cached until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig Sessions.sln ./
COPY src/Sessions.Canonical/Sessions.Canonical.csproj src/Sessions.Canonical/
COPY src/Sessions.Abstractions/Sessions.Abstractions.csproj src/Sessions.Abstractions/
COPY src/Sessions.Grains/Sessions.Grains.csproj src/Sessions.Grains/
COPY src/Sessions.Webhooks/Sessions.Webhooks.csproj src/Sessions.Webhooks/
COPY src/Sessions.Service/Sessions.Service.csproj src/Sessions.Service/

# ReadyToRun: the assemblies are compiled ahead of time for the image's architecture, so a new silo serves at full speed
# at once instead of spending its first minute under load in the JIT. It needs a runtime identifier, and --no-restore
# below needs restore to have seen the same one: -a takes Docker's TARGETARCH (amd64, arm64) and the OS is the SDK
# image's (linux). Still framework-dependent: the runtime comes from the aspnet image.
ARG TARGETARCH
RUN dotnet restore src/Sessions.Service/Sessions.Service.csproj -a "$TARGETARCH" -p:PublishReadyToRun=true

# The versioned SQL is embedded into the service at build time.
COPY deploy/sql/ deploy/sql/
COPY src/ src/
RUN dotnet publish src/Sessions.Service/Sessions.Service.csproj -c Release -o /app --no-restore -a "$TARGETARCH" \
    --no-self-contained -p:PublishReadyToRun=true -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app .
# The SQLite file and a generated API key live here; mount a volume to keep them.
RUN mkdir -p /app/data && chown app /app/data
VOLUME /app/data
USER app
ENV Urls=http://+:8080 \
    Orleans__SiloPort=11111 \
    Orleans__GatewayPort=30000
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet", "Sessions.Service.dll"]
