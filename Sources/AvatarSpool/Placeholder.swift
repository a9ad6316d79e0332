// AvatarSpool: filled in this session.
