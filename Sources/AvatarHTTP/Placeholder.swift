// AvatarHTTP: filled in this session.
