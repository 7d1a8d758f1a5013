/* ballotkit-speech-helper: the program the speech helpers of libballotkit
 * execute when the host program did not call bk_speech_helper_entry
 * (src/speech/speech.c, docs/architecture.md "Speech processes"). It is
 * installed in libexecdir and is not meant to be run by hand: started by
 * the library it serves one voice over the socket it was given and never
 * returns; started otherwise it says so and exits with status 2. */
#include <stdio.h>

#include "ballotkit/speech.h"

int main(int argc, char **argv)
{
	bk_speech_helper_entry(argc, argv);
	fputs("ballotkit-speech-helper: this program is started by libballotkit "
	      "(speech) only\n", stderr);
	return 2;
}
