/* test-workspace-reopen.h: the reopened-workspace case of test-workspace-parts. */
#pragma once

void hz_test_workspace_reopen_add (void);
