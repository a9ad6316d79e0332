// AvatarConfig: filled in this session.
