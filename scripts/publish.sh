#!/usr/bin/env bash
# Publishes switchyard as one self-contained executable for linux-x64 (no .NET needed where it runs):
#   scripts/publish.sh [OUTPUT_DIR]      default: artifacts/linux-x64/switchyard
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-artifacts/linux-x64}
dotnet publish src/Proxy/Switchyard.Proxy.csproj -c Release -r linux-x64 --self-contained \
    -p:PublishSingleFile=true -p:DebugType=none -o "$out" -nologo -v quiet
echo "$out/switchyard"
