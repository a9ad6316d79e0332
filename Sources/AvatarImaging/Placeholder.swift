// AvatarImaging: filled in this session.
