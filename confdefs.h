/* confdefs.h */
#define PACKAGE_NAME "git-workflow-hooks"
#define PACKAGE_TARNAME "git-workflow-hooks"
#define PACKAGE_VERSION "0.1.0"
#define PACKAGE_STRING "git-workflow-hooks 0.1.0"
#define PACKAGE_BUGREPORT ""
#define PACKAGE_URL ""
#define PACKAGE "git-workflow-hooks"
#define VERSION "0.1.0"
