<?php defined('BASEPATH') or exit('No direct script access allowed'); ?>
<?php
/*
 * A module page inside Perfex's admin layout. $html is the service's page fragment
 * (sub-navigation + page, already escaped by the service's templates) or the short
 * "service not reachable" message; $title is used by Perfex's head.
 */
init_head();
?>
<div id="wrapper">
  <div class="content">
<?php echo $html; ?>
  </div>
</div>
<?php init_tail(); ?>
</body>
</html>
