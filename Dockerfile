# Switchyard: a self-contained single-file build on a small runtime image, running as a non-root user.
#   docker build -t switchyard .
#   docker run -v $PWD/my.yaml:/etc/switchyard/switchyard.yaml:ro -p 127.0.0.1:6033:6033 switchyard
# The configuration is read from /etc/switchyard/switchyard.yaml (mount your own); its listeners must bind
# 0.0.0.0 to be reachable from outside the container (see deploy/switchyard.docker.yaml).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props Switchyard.sln ./
COPY src/ src/
RUN dotnet publish src/Proxy/Switchyard.Proxy.csproj -c Release -r linux-x64 --self-contained \
      -p:PublishSingleFile=true -o /out

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
COPY --from=build /out/switchyard /usr/local/bin/switchyard
COPY deploy/switchyard.docker.yaml /etc/switchyard/switchyard.yaml
# The image's unprivileged user (uid 1654).
USER app
EXPOSE 6033 6070
# SIGTERM drains: no new clients, running statements and transactions finish (up to the drain timeout).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/switchyard", "--probe", "http://127.0.0.1:6070/healthz"]
ENTRYPOINT ["/usr/local/bin/switchyard", "--config", "/etc/switchyard/switchyard.yaml"]
