// AvatarStorage: filled in this session.
