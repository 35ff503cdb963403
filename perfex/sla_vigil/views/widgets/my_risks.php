<?php defined('BASEPATH') or exit('No direct script access allowed'); ?>
<?php
/*
 * The "My SLA risks" widget on Perfex's home dashboard (added by the get_dashboard_widgets
 * filter as 'sla_vigil/widgets/my_risks'). The service renders the list (escaped by its
 * templates); without View, with nothing to show or with the service down, nothing at all
 * is printed, so the dashboard looks as if the module were absent. The panel classes are
 * Perfex's admin look (Bootstrap panels); the widget id is fixed because PERFEX.md names
 * no helper for it.
 */
require_once __DIR__ . '/../../libraries/Sla_vigil_fragments.php';

$slaVigilWidget = Sla_vigil_fragments::myRisks();
if ($slaVigilWidget !== null) {
    $slaVigilTitle = htmlspecialchars($slaVigilWidget['title'], ENT_QUOTES, 'UTF-8'); ?>
<div class="widget" id="widget-sla_vigil_my_risks" data-name="<?php echo $slaVigilTitle; ?>">
  <div class="panel_s">
    <div class="panel-body">
      <h4 class="no-margin"><?php echo $slaVigilTitle; ?></h4>
      <hr class="hr-panel-heading" />
<?php echo $slaVigilWidget['html']; ?>
    </div>
  </div>
</div>
<?php
}
