// The action's own version, for kind-version.txt in a log bundle (kind writes its CLI version there).
// A unit test keeps it equal to package.json's version.
export const ACTION_VERSION = '1.0.0'
