# Registers a tests/<suite> folder's pytest files with CTest: one entry per
# test_*.py file, so the files run in parallel and a failure names its file.
# Each entry runs Debian's pytest (SYSTEM_PYTHON3, found by tests/CMakeLists.txt)
# in the suite's build folder, with instance metadata disabled.
#
#   ferry_pytest_suite(
#     [NAME_PREFIX <prefix>]  entries are <prefix><stem without "test_">
#                             instead of <suite folder>/<file stem>
#     [NEEDS <what>...]       environment the tests read, in this order:
#                               ferry        -> FERRY_BIN
#                               ferry-awsemu -> FERRY_AWSEMU
#                               ferry-job    -> FERRY_JOB_BIN
#                               source       -> FERRY_SOURCE_DIR
#     [LABELS <label>...]
#     TIMEOUT <seconds>
#     [SLOW <file stem>... SLOW_TIMEOUT <seconds>])
#                             long files: label `slow` too (ctest -LE slow
#                             skips them) and their own timeout
function(ferry_pytest_suite)
  cmake_parse_arguments(P "" "NAME_PREFIX;TIMEOUT;SLOW_TIMEOUT" "NEEDS;LABELS;SLOW" ${ARGN})
  if(P_UNPARSED_ARGUMENTS OR NOT P_TIMEOUT OR (P_SLOW AND NOT P_SLOW_TIMEOUT))
    message(FATAL_ERROR "ferry_pytest_suite: usage is [NAME_PREFIX p] [NEEDS ...] [LABELS ...] "
                        "TIMEOUT s [SLOW stems... SLOW_TIMEOUT s]; got: ${ARGN}")
  endif()
  set(env "")
  foreach(need IN LISTS P_NEEDS)
    if(need STREQUAL "ferry")
      list(APPEND env "FERRY_BIN=$<TARGET_FILE:ferry>")
    elseif(need STREQUAL "ferry-awsemu")
      list(APPEND env "FERRY_AWSEMU=$<TARGET_FILE:ferry-awsemu>")
    elseif(need STREQUAL "ferry-job")
      list(APPEND env "FERRY_JOB_BIN=$<TARGET_FILE:ferry-job>")
    elseif(need STREQUAL "source")
      list(APPEND env "FERRY_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
    else()
      message(FATAL_ERROR "ferry_pytest_suite: NEEDS takes ferry, ferry-awsemu, ferry-job or source, not '${need}'")
    endif()
  endforeach()
  list(APPEND env "AWS_EC2_METADATA_DISABLED=true")
  get_filename_component(suite ${CMAKE_CURRENT_SOURCE_DIR} NAME)

  file(GLOB files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/test_*.py)
  foreach(f IN LISTS files)
    get_filename_component(stem ${f} NAME_WE)
    if(DEFINED P_NAME_PREFIX)
      string(REGEX REPLACE "^test_" "" short ${stem})
      set(name ${P_NAME_PREFIX}${short})
    else()
      set(name ${suite}/${stem})
    endif()
    set(labels ${P_LABELS})
    set(timeout ${P_TIMEOUT})
    if(stem IN_LIST P_SLOW)
      list(APPEND labels slow)
      set(timeout ${P_SLOW_TIMEOUT})
    endif()
    add_test(NAME ${name}
             COMMAND ${SYSTEM_PYTHON3} -m pytest -q -p no:cacheprovider ${f}
             WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
    # COST: CTest starts costlier entries first. A suite file takes tens of
    # seconds to minutes, a unit test case well under one, and a fresh build
    # dir has no measured costs: without this the suites would start last
    # and the run would end on one of them while the other core idles.
    set(cost 60)
    if(stem IN_LIST P_SLOW)
      set(cost 300)
    endif()
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env}" TIMEOUT ${timeout} COST ${cost})
    if(labels)
      set_tests_properties(${name} PROPERTIES LABELS "${labels}")
    endif()
  endforeach()
endfunction()
