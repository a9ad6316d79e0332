// AvatarProviders: filled in this session.
