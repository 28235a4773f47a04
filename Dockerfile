# StudyBot: multi-stage build. Docker is not available on the development machines, so this file is kept
# deliberately plain; build with `docker build -t studybot .` and see the README for running it.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig appsettings.json ./
COPY roadmap/ roadmap/
COPY src/ src/
RUN dotnet publish src/StudyBot.Host/StudyBot.Host.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The database lives on a volume so upgrades and restarts keep everyone's progress.
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data
ENV DOTNET_ENVIRONMENT=Production \
    Database__ConnectionString="Data Source=/data/studybot.db" \
    Console__AttachmentsDirectory=/data/cards \
    Console__ExportsDirectory=/data/exports \
    Http__Urls="http://0.0.0.0:8080"
EXPOSE 8080
# The aspnet images ship a non-root "app" user ($APP_UID); never run the bot as root.
USER $APP_UID
# Readiness (database, migrations, adapters connected, scheduler, outbox not behind). The image has no curl or wget:
# `StudyBot.Host.dll health` GETs http://127.0.0.1:8080/healthz/ready (from Http__Urls) and exits 0 or 1. The start
# period covers migrations and the first gateway connection.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["dotnet", "StudyBot.Host.dll", "health"]
ENTRYPOINT ["dotnet", "StudyBot.Host.dll"]
