# -DCRA_VALGRIND=ON runs the whole test suite's programs under valgrind's memcheck: the unit
# tests through a launcher, the command-line tests through a directory of wrappers named like
# the programs, which CRA_BIN points at (the scripts find programs on PATH or as $CRA_BIN/...).
# Every report goes to a log file per process; tests/valgrind/run fails on any non-empty one.
#
# Sets CRA_TEST_LAUNCHER (a command prefix, empty when off), CRA_TEST_BIN (what CRA_BIN is) and
# CRA_TEST_TIMEOUT_SCALE (memcheck runs programs 10-50 times slower).
option(CRA_VALGRIND "Run the test suite under valgrind's memcheck" OFF)

set(CRA_TEST_LAUNCHER "")
set(CRA_TEST_BIN ${CMAKE_BINARY_DIR})
set(CRA_TEST_TIMEOUT_SCALE 1)
if(CRA_VALGRIND)
  find_program(CRA_VALGRIND_PROGRAM valgrind REQUIRED)
  set(CRA_VALGRIND_LOGS ${CMAKE_CURRENT_BINARY_DIR}/valgrind-logs)
  set(CRA_VALGRIND_SUPPRESSIONS ${CMAKE_CURRENT_SOURCE_DIR}/valgrind/craipto.supp)
  set(CRA_TEST_BIN ${CMAKE_CURRENT_BINARY_DIR}/valgrind-bin)
  set(CRA_TEST_LAUNCHER ${CRA_TEST_BIN}/memcheck)
  set(CRA_TEST_TIMEOUT_SCALE 10)
  file(MAKE_DIRECTORY ${CRA_VALGRIND_LOGS} ${CRA_TEST_BIN}/tests)
  configure_file(${CMAKE_CURRENT_SOURCE_DIR}/valgrind/memcheck.in ${CRA_TEST_LAUNCHER} @ONLY)
  configure_file(${CMAKE_CURRENT_SOURCE_DIR}/valgrind/wrapper.in ${CRA_TEST_BIN}/wrapper @ONLY)
  execute_process(COMMAND chmod +x ${CRA_TEST_LAUNCHER} ${CRA_TEST_BIN}/wrapper)
  # One link per program (and the PostgreSQL store's test program) to the wrapper, which runs
  # the real program of the same name under the launcher.
  foreach(src ${CRA_PROGRAMS})
    get_filename_component(prog ${src} NAME_WE)
    file(CREATE_LINK wrapper ${CRA_TEST_BIN}/${prog} SYMBOLIC)
  endforeach()
  file(CREATE_LINK ../wrapper ${CRA_TEST_BIN}/tests/test_store_pg SYMBOLIC)
endif()
