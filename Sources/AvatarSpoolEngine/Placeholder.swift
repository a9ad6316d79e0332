// AvatarSpoolEngine: filled in this session.
