// AvatarIndex: filled in this session.
