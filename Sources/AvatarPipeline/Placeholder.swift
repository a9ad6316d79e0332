// AvatarPipeline: filled in this session.
