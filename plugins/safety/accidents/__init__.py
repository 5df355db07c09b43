"""事故: accidents with their casualties, losses, causes, measures and on-site meeting. The
casualty details and liability findings are S3: only holders of ``safety.sensitive.view`` read
or change them, asking each time (audited); history keeps them sealed."""
