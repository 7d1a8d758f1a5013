/* placeholder: filled in by the decode work */
#include "ballotkit/decode.h"
