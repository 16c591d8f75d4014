// An include that names a directory instead of a spec file.
include "../../specs/platforms"

// expect: error E001 2:9
